// The storage port: where finished records go, whatever the technology behind it.

export interface PutOptions {
  contentType: string;
  /** Hex SHA-256 of the body; computed when absent. */
  sha256?: string;
  /** User metadata; values may hold any Unicode, adapters encode as their wire needs. */
  metadata?: Record<string, string>;
}

export interface StoredObject {
  key: string;
  sizeBytes: number;
  /** Hex SHA-256 of the stored bytes. */
  sha256: string;
  contentType: string;
}

export interface ObjectInfo {
  key: string;
  sizeBytes: number;
}

export interface ObjectStore {
  /** Human-readable location for logs and messages, e.g. a folder path or s3://bucket/prefix. */
  readonly location: string;
  /** Writes the whole object or nothing: a reader never sees a partial body. */
  put(key: string, body: Uint8Array, options: PutOptions): Promise<StoredObject>;
  /** The object's bytes, or undefined when it does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  exists(key: string): Promise<boolean>;
  /** Every object whose key starts with the prefix, in key order. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  delete(keys: string[]): Promise<void>;
}
