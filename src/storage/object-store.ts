// The storage port: where finished records go, whatever the technology behind it.

export interface PutOptions {
  contentType: string;
  /** Hex SHA-256 of the body; computed when absent. */
  sha256?: string;
  /**
   * User metadata with camelCase ASCII keys (`dossierId`); values may hold any Unicode, adapters encode as
   * their wire needs. The key `sha256` is reserved for the adapter.
   */
  metadata?: Record<string, string>;
  /** Object-lock retention (S3 only, bucket must have object lock enabled); off unless given. */
  retainUntil?: Date;
  /** Object-lock mode used with `retainUntil`; GOVERNANCE when only `retainUntil` is given. */
  lockMode?: 'GOVERNANCE' | 'COMPLIANCE';
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
  /** When the object was last written, as the store reports it. */
  lastModified?: Date;
}

/** What a store knows about one object without reading its body. */
export interface ObjectHead {
  key: string;
  sizeBytes: number;
  /** Hex SHA-256 as the server or adapter recorded it at write time; absent for objects written by others. */
  sha256?: string;
  contentType?: string;
  /** Decoded user metadata (camelCase keys, Unicode values), without the reserved `sha256`. */
  metadata: Record<string, string>;
}

export interface ObjectStore {
  /** Human-readable location for logs and messages, e.g. a folder path or s3://bucket/prefix. */
  readonly location: string;
  /** Writes the whole object or nothing: a reader never sees a partial body. */
  put(key: string, body: Uint8Array, options: PutOptions): Promise<StoredObject>;
  /** The object's bytes, or undefined when it does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  exists(key: string): Promise<boolean>;
  /** Size, checksum and metadata of the object, or undefined when it does not exist. */
  head(key: string): Promise<ObjectHead | undefined>;
  /** Every object whose key starts with the prefix, in key order. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Deletes the objects; keys that do not exist are not an error. */
  delete(keys: string[]): Promise<void>;
  /** Releases connections; the store is unusable afterwards. Safe to call more than once. */
  close(): Promise<void>;
}
