// Lints the Dockerfile, .dockerignore and compose.example.yaml: no container engine runs here, so the rules are checked on the text.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');

interface Instruction {
  keyword: string;
  /** The arguments as written, continuation lines joined. */
  args: string;
  /** Exec form (`["node", "x"]`), when the arguments are a JSON array. */
  json?: string[];
  line: number;
}

interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

/** Splits a Dockerfile into instructions: comments dropped, `\` continuations joined, exec forms parsed. */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i]!.trim();
    if (first === '' || first.startsWith('#')) continue;
    const line = i + 1;
    let joined = first;
    while (joined.endsWith('\\') && i + 1 < lines.length) {
      joined = joined.slice(0, -1);
      i += 1;
      // Comment lines inside a continuation are dropped and do not end it.
      while (lines[i]!.trim().startsWith('#') && i + 1 < lines.length) i += 1;
      joined += ` ${lines[i]!.trim()}`;
    }
    const match = /^(\S+)\s*(.*)$/s.exec(joined)!;
    const args = match[2]!.trim();
    const instruction: Instruction = { keyword: match[1]!.toUpperCase(), args, line };
    if (args.startsWith('[')) {
      try {
        instruction.json = JSON.parse(args) as string[];
      } catch {
        // Not valid JSON: Docker then runs it in shell form, and so do we.
      }
    }
    instructions.push(instruction);
  }
  return instructions;
}

function stagesOf(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      const asIndex = words.findIndex((word) => word.toUpperCase() === 'AS');
      stages.push({ image: words[0]!, ...(asIndex > 0 ? { name: words[asIndex + 1]! } : {}), instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** `.dockerignore` patterns as a matcher (the subset of its syntax used here: names, `*`, no negation). */
function dockerignoreMatcher(text: string): (file: string) => boolean {
  const patterns = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((pattern) => new RegExp(`^${pattern.replace(/^\//, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/.*)?$`));
  return (file) => patterns.some((pattern) => pattern.test(file.replace(/^\.\//, '').replace(/\/$/, '')));
}

/** Whether an image reference names a fixed version: a digest, or a tag starting with a version number or release date. */
function isPinned(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  if (!tag || tag === 'latest') return false;
  return /^v?\d+\.\d+/.test(tag) || /^RELEASE\.\d{4}-\d{2}-\d{2}/.test(tag);
}

/** Every rule the worker image must keep; returns the problems found (empty when the Dockerfile is fine). */
function lintDockerfile(text: string, dockerignore: string, packageJson: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }): string[] {
  const problems: string[] = [];
  const instructions = parseDockerfile(text);
  const stages = stagesOf(instructions);
  if (stages.length === 0) return ['no FROM instruction'];
  const stageNames = new Set(stages.flatMap((stage) => (stage.name ? [stage.name] : [])));
  const ignored = dockerignoreMatcher(dockerignore);

  for (const stage of stages) {
    if (!stageNames.has(stage.image) && !isPinned(stage.image)) problems.push(`FROM ${stage.image}: base image not pinned to a version`);
    if (/:latest$/.test(stage.image)) problems.push(`FROM ${stage.image}: latest tag`);
  }
  for (const instruction of instructions) {
    if (instruction.keyword === 'ADD' && /\b(https?|git|ftp):\/\/|git@/.test(instruction.args)) problems.push(`line ${instruction.line}: ADD of a URL`);
    if (instruction.keyword === 'RUN' && /\b(curl|wget)\b/.test(instruction.args)) problems.push(`line ${instruction.line}: RUN downloads with curl/wget`);
    if (instruction.keyword === 'RUN' && /\bnpm (install|i)\b/.test(instruction.args)) problems.push(`line ${instruction.line}: npm install instead of npm ci`);
    if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') {
      const words = instruction.json ?? instruction.args.split(/\s+/);
      if (words.some((word) => word.startsWith('--from='))) continue;
      const sources = words.filter((word) => !word.startsWith('--')).slice(0, -1);
      for (const source of sources) {
        if (!existsSync(path.join(repoRoot, source))) problems.push(`line ${instruction.line}: COPY source ${source} does not exist in the repository`);
        if (ignored(source)) problems.push(`line ${instruction.line}: COPY source ${source} is excluded by .dockerignore`);
      }
    }
    // A build-time check of a file must name a file that the packages really ship.
    if (instruction.keyword === 'RUN') {
      // Absolute paths are the image's own (Debian's packages), not the repository's.
      for (const [, file] of instruction.args.matchAll(/test -s ([^/\s]\S*)/g)) {
        if (!existsSync(path.join(repoRoot, file!))) problems.push(`line ${instruction.line}: RUN checks ${file}, which the installed packages do not have`);
      }
    }
  }
  const runs = instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
  if (!runs.some((run) => /\bnpm ci\b/.test(run) && /--omit=dev\b/.test(run))) problems.push('no `npm ci --omit=dev`');

  const final = stages.at(-1)!;
  const index = (keyword: string) => final.instructions.findLastIndex((i) => i.keyword === keyword);
  const user = final.instructions[index('USER')];
  const entrypoint = final.instructions[index('ENTRYPOINT')];
  const cmd = final.instructions[index('CMD')];
  if (!user) problems.push('the final stage sets no USER (it would run as root)');
  else if (/^(root|0)(:|$)/.test(user.args)) problems.push(`USER ${user.args} is root`);
  if (!entrypoint) problems.push('no ENTRYPOINT');
  else if (user && index('USER') > index('ENTRYPOINT')) problems.push('USER comes after ENTRYPOINT');
  if (JSON.stringify(entrypoint?.json) !== JSON.stringify(['node', 'bin/sohoa.js'])) problems.push(`ENTRYPOINT is ${entrypoint?.args}, expected ["node", "bin/sohoa.js"]`);
  if (JSON.stringify(cmd?.json) !== JSON.stringify(['worker'])) problems.push(`CMD is ${cmd?.args}, expected ["worker"]`);
  const finalEnv = final.instructions.filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ');
  if (!/\bNODE_ENV=production\b/.test(finalEnv)) problems.push('the final stage does not set NODE_ENV=production');
  // The image reads pages with Debian's tesseract and its models, installed in the final stage.
  const finalRuns = final.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args).join(' ');
  for (const pkg of ['tesseract-ocr', 'tesseract-ocr-vie', 'tesseract-ocr-osd']) {
    if (!new RegExp(`apt-get install[^&]*\\s${pkg}(\\s|$)`, 'u').test(finalRuns)) problems.push(`the final stage does not apt-get install ${pkg}`);
  }
  if (!/\bSOHOA_ENGINE=tesseract(\s|$)/u.test(finalEnv)) problems.push('the final stage does not set SOHOA_ENGINE=tesseract');
  if (!/\bSOHOA_LANG_DATA=\/usr\/share\/tesseract-ocr\/5\/tessdata(\s|$)/u.test(finalEnv)) problems.push("the final stage does not point SOHOA_LANG_DATA at Debian's tessdata");
  // What the program reads at run time must be in the final image.
  const copied = final.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
  if (!copied.some((args) => /--from=\S+\s+\S*node_modules\s/.test(`${args} `))) problems.push('the final stage does not copy node_modules from the build stage');
  for (const needed of ['package.json', 'bin', 'pipelines']) {
    if (!copied.some((args) => args.split(/\s+/).slice(0, -1).includes(needed))) problems.push(`the final stage does not copy ${needed}`);
  }
  // The image runs the compiled JavaScript, as the installed package does (Node strips no types under node_modules).
  if (!copied.some((args) => /--from=\S+\s+\S*dist\s/.test(`${args} `))) problems.push('the final stage does not copy dist from the build stage');
  if (copied.some((args) => args.split(/\s+/).slice(0, -1).includes('src'))) problems.push('the final stage copies src: it runs dist');
  if (!runs.some((run) => /\bnpm run build\b/.test(run))) problems.push('no `npm run build`: the image would not run what `npm pack` ships');

  for (const pattern of ['node_modules', '.git', 'out']) {
    if (!ignored(pattern)) problems.push(`.dockerignore does not exclude ${pattern}`);
  }
  for (const name of ['@tesseract.js-data/vie', '@tesseract.js-data/eng', '@tesseract.js-data/osd', 'dejavu-fonts-ttf']) {
    if (!packageJson.dependencies?.[name]) problems.push(`${name} is not a production dependency, so npm ci --omit=dev leaves it out`);
    if (packageJson.devDependencies?.[name]) problems.push(`${name} is also a dev dependency`);
  }
  return problems;
}

const packageJson = JSON.parse(read('package.json')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };

describe('Dockerfile', () => {
  it('passes every rule of the worker image', () => {
    expect(lintDockerfile(read('Dockerfile'), read('.dockerignore'), packageJson)).toEqual([]);
  });

  it('parses continuations, comments and exec forms the way Docker does', () => {
    const instructions = parseDockerfile('# comment\nFROM node:24.22.3-bookworm-slim AS deps\nRUN a \\\n # inside\n && b\nCMD ["worker"]\n');
    expect(instructions).toEqual([
      { keyword: 'FROM', args: 'node:24.22.3-bookworm-slim AS deps', line: 2 },
      { keyword: 'RUN', args: 'a  && b', line: 3 },
      { keyword: 'CMD', args: '["worker"]', json: ['worker'], line: 6 },
    ]);
  });

  it('catches each kind of mistake in a bad Dockerfile', () => {
    const bad = [
      'FROM node:24-slim',
      'ADD https://example.com/eng.traineddata /app/',
      'RUN curl -fsSL https://example.com/x | sh',
      'RUN npm install',
      'COPY no-such-folder ./x',
      'COPY test ./test',
      'ENTRYPOINT ["node", "bin/sohoa.js"]',
      'USER root',
      'CMD ["--help"]',
    ].join('\n');
    const problems = lintDockerfile(bad, 'node_modules\n.git\ntest\n', { dependencies: { '@tesseract.js-data/vie': '1.0.0' }, devDependencies: { '@tesseract.js-data/eng': '1.0.0' } });
    expect(problems).toEqual(
      expect.arrayContaining([
        'FROM node:24-slim: base image not pinned to a version',
        'line 2: ADD of a URL',
        'line 3: RUN downloads with curl/wget',
        'line 4: npm install instead of npm ci',
        'line 5: COPY source no-such-folder does not exist in the repository',
        'line 6: COPY source test is excluded by .dockerignore',
        'no `npm ci --omit=dev`',
        'USER root is root',
        'USER comes after ENTRYPOINT',
        'CMD is ["--help"], expected ["worker"]',
        'the final stage does not set NODE_ENV=production',
        '.dockerignore does not exclude out',
        '@tesseract.js-data/eng is not a production dependency, so npm ci --omit=dev leaves it out',
        '@tesseract.js-data/osd is not a production dependency, so npm ci --omit=dev leaves it out',
      ]),
    );
    expect(isPinned('node:latest')).toBe(false);
    expect(isPinned('postgres')).toBe(false);
    expect(isPinned('node:24.22.3-bookworm-slim')).toBe(true);
    expect(isPinned(`node@sha256:${'a'.repeat(64)}`)).toBe(true);
  });
});

type ComposeService = {
  image?: string;
  build?: string | { context: string };
  command?: string[] | string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  stop_grace_period?: string;
  profiles?: string[];
};

function secondsOf(duration: string | undefined): number {
  const match = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration ?? '');
  return match ? Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0) : 0;
}

/** Every string in a parsed YAML document, with the key it sits under. */
function* stringsOf(value: unknown, key = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [key, value];
  else if (Array.isArray(value)) for (const item of value) yield* stringsOf(item, key);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* stringsOf(v, k);
}

describe('compose.example.yaml', () => {
  const text = read('compose.example.yaml');
  const compose = parseYaml(text, { merge: true }) as { services: Record<string, ComposeService> };
  const { services } = compose;
  // In the environment, not the command line, where the password would show in process lists.
  const queueUrlOf = (service: ComposeService) => {
    const command = Array.isArray(service.command) ? service.command : [];
    expect(command).not.toContain('--queue');
    return service.environment?.['SOHOA_QUEUE_URL'];
  };

  it('runs PostgreSQL 18, MinIO with its buckets, several workers built from this repository, and an enqueue one-off', () => {
    expect(services.postgres?.image).toMatch(/^postgres:18\.\d+/);
    expect(services.minio?.image).toMatch(/^minio\/minio:/);
    // Images pulled from a registry are pinned; the sohoa image is the one the worker service builds here.
    for (const [name, service] of Object.entries(services)) {
      if (service.build || service.image === services.worker?.image) continue;
      expect(isPinned(service.image ?? ''), `${name}: ${service.image}`).toBe(true);
    }
    const worker = services.worker!;
    expect(worker.build === '.' || (typeof worker.build === 'object' && worker.build.context === '.')).toBe(true);
    expect(worker.deploy?.replicas).toBeGreaterThanOrEqual(3);
    expect((worker.command as string[])[0]).toBe('worker');
    expect(worker.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(worker.depends_on?.['minio-init']?.condition).toBe('service_completed_successfully');
    // Longer than the default drain time (30 s), so SIGTERM can finish or release the active dossier.
    expect(secondsOf(worker.stop_grace_period)).toBeGreaterThan(30);

    const enqueue = services.enqueue!;
    expect(enqueue.image).toBe(worker.image);
    expect((enqueue.command as string[])[0]).toBe('enqueue');
    expect(enqueue.profiles).toEqual(['tools']);

    for (const service of [worker, enqueue]) {
      const url = new URL(queueUrlOf(service)!.replace(/\$\{[^}]+\}/g, 'placeholder'));
      expect(url.protocol).toBe('postgres:');
      expect(url.hostname).toBe('postgres');
      expect(service.environment?.AWS_ENDPOINT_URL_S3).toBe('http://minio:9000');
    }
    // The buckets the enqueue service reads and writes are the ones minio-init creates.
    const init = String((services['minio-init']!.command as string[]).join(' '));
    for (const uri of (enqueue.command as string[]).filter((arg) => arg.startsWith('s3://'))) {
      const bucket = new URL(uri).hostname;
      expect(init).toContain(`local/${bucket}`);
    }
  });

  it('holds no real credentials: every password, key and URL password is a placeholder to fill in', () => {
    const secretKey = /PASSWORD|SECRET|ACCESS_KEY|ROOT_USER|TOKEN/i;
    let checked = 0;
    for (const [key, value] of stringsOf(compose)) {
      if (secretKey.test(key)) {
        checked += 1;
        expect(value, key).toMatch(/^\$\{[A-Z0-9_]+:\?[^}]*\}$/);
      }
      const userInfo = /^postgres:\/\/[^:/@]+:([^@]+)@/.exec(value);
      if (userInfo) {
        checked += 1;
        expect(userInfo[1], value).toMatch(/^\$\{[A-Z0-9_]+:\?[^}]*\}$/);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
    expect(text).not.toMatch(/AKIA[0-9A-Z]{16}/);
    expect(text).not.toMatch(/minioadmin/);
  });
});
