/**
 * Web pages of a repository's remote: a commit's page, and the pull request that merged it.
 * Built only for hosts whose URL layout is known (GitHub, GitLab, Bitbucket, Azure Repos);
 * any other remote gets no link rather than a guessed one. Every path segment is decoded and
 * re-encoded, and credentials in the remote URL never reach a link.
 */

export type RemoteHost = 'github' | 'gitlab' | 'bitbucket' | 'azure';

export interface RemoteRepository {
  host: RemoteHost;
  /** The repository's web page, e.g. `https://github.com/owner/repo`. */
  web: string;
  /** Scheme and host of the web pages, e.g. `https://gitlab.example.com`. */
  origin: string;
}

export interface PullRequestRef {
  number: number;
  url: string;
  /** The commit whose message names it: the merge commit, or the commit itself for a squash merge. */
  namedBy: string;
}

export interface CommitLinks {
  commit: string;
  pullRequest: PullRequestRef | null;
}

const HOSTNAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

function hostKind(hostname: string): RemoteHost | null {
  if (hostname === 'dev.azure.com' || hostname === 'ssh.dev.azure.com' || hostname.endsWith('.visualstudio.com')) return 'azure';
  if (hostname === 'bitbucket.org' || hostname.split('.').includes('bitbucket')) return 'bitbucket';
  if (hostname === 'gitlab.com' || hostname.split('.').includes('gitlab')) return 'gitlab';
  if (hostname === 'github.com' || hostname.split('.').includes('github')) return 'github';
  return null;
}

/** A segment as it appears in a URL path, whatever escaping the remote used. */
function segment(raw: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return null;
  }
  if (decoded === '' || decoded === '.' || decoded === '..') return null;
  // encodeURIComponent leaves !'()* alone; a ")" would end a markdown link.
  return encodeURIComponent(decoded).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Splits a remote URL into host and path, for the URL and scp-like forms git accepts. */
function hostAndPath(url: string): { hostname: string; path: string } | null {
  const trimmed = url.trim();
  const withScheme = /^(?:https?|ssh|git|git\+ssh|ssh\+git):\/\/(?:[^@/]*@)?([^/:]+)(?::\d*)?(\/.*)$/i.exec(trimmed);
  if (withScheme) return { hostname: withScheme[1].toLowerCase(), path: withScheme[2] };
  // scp-like: [user@]host:path, where the part before the colon has no slash.
  const scp = /^(?:[^@/:]+@)?([^/:]+):(?!\/\/)(.+)$/.exec(trimmed);
  if (scp && !/^[a-z]$/i.test(scp[1])) return { hostname: scp[1].toLowerCase(), path: `/${scp[2]}` };
  return null;
}

/** The web side of a git remote URL, or null when its host or layout is not one this knows. */
export function parseRemoteUrl(url: string): RemoteRepository | null {
  const parts = hostAndPath(url);
  if (!parts || !HOSTNAME.test(parts.hostname)) return null;
  const host = hostKind(parts.hostname);
  if (!host) return null;
  const raw = parts.path
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .split('/')
    .filter(Boolean);
  const segments = raw.map(segment);
  if (segments.some((s) => s === null) || segments.length < 2) return null;
  const path = segments as string[];

  if (host === 'azure') {
    // dev.azure.com/org/project/_git/repo, org.visualstudio.com/[DefaultCollection/]project/_git/repo,
    // ssh.dev.azure.com:v3/org/project/repo, org@vs-ssh.visualstudio.com:v3/org/project/repo.
    let org: string;
    let project: string;
    let repo: string;
    if (path[0] === 'v3' && path.length === 4) [, org, project, repo] = path;
    else if (parts.hostname === 'dev.azure.com' && path.length === 4 && path[2] === '_git') [org, project, , repo] = path;
    else if (parts.hostname.endsWith('.visualstudio.com') && !parts.hostname.startsWith('vs-ssh.')) {
      const rest = path[0].toLowerCase() === 'defaultcollection' ? path.slice(1) : path;
      if (rest.length !== 3 || rest[1] !== '_git') return null;
      org = encodeURIComponent(parts.hostname.slice(0, -'.visualstudio.com'.length));
      [project, , repo] = rest;
    } else return null;
    return { host, origin: 'https://dev.azure.com', web: `https://dev.azure.com/${org}/${project}/_git/${repo}` };
  }
  if ((host === 'github' || host === 'bitbucket') && path.length !== 2) return null;
  const hostname = parts.hostname === 'ssh.github.com' ? 'github.com' : parts.hostname;
  const origin = `https://${hostname}`;
  return { host, origin, web: `${origin}/${path.join('/')}` };
}

export function commitUrl(remote: RemoteRepository, sha: string): string {
  const hex = sha.toLowerCase();
  if (!/^[0-9a-f]{7,64}$/.test(hex)) throw new RangeError(`${sha} is not a commit SHA`);
  switch (remote.host) {
    case 'github':
      return `${remote.web}/commit/${hex}`;
    case 'gitlab':
      return `${remote.web}/-/commit/${hex}`;
    case 'bitbucket':
      return `${remote.web}/commits/${hex}`;
    case 'azure':
      return `${remote.web}/commit/${hex}`;
  }
}

/**
 * The pull request a commit message names, in the form the remote's host writes it: GitHub's
 * "Merge pull request #123 from …" and squash merges "Title (#123)", GitLab's "See merge
 * request group/project!45", Bitbucket's "Merged in branch (pull request #7)", Azure's
 * "Merged PR 123: …". A form of another host is ignored (on GitLab "#12" is an issue).
 */
export function pullRequestInMessage(message: string, remote: RemoteRepository): { number: number; url: string } | null {
  const subject = message.split('\n', 1)[0].trim();
  const make = (n: string, path: string) => {
    const number = Number(n);
    return Number.isSafeInteger(number) && number > 0 ? { number, url: `${remote.web}/${path}/${number}` } : null;
  };
  switch (remote.host) {
    case 'github': {
      const merge = /^Merge pull request #(\d+) from /.exec(subject);
      if (merge) return make(merge[1], 'pull');
      const squash = /\(#(\d+)\)$/.exec(subject);
      return squash ? make(squash[1], 'pull') : null;
    }
    case 'gitlab': {
      const match = /^See merge request ([A-Za-z0-9_.\-/]+)!(\d+)\s*$/m.exec(message);
      if (!match) return null;
      const project = match[1].split('/').map(segment);
      if (project.some((s) => s === null)) return null;
      const number = Number(match[2]);
      if (!Number.isSafeInteger(number) || number <= 0) return null;
      return { number, url: `${remote.origin}/${project.join('/')}/-/merge_requests/${number}` };
    }
    case 'bitbucket': {
      const match = /^Merged in \S+ \(pull request #(\d+)\)/.exec(subject);
      return match ? make(match[1], 'pull-requests') : null;
    }
    case 'azure': {
      const match = /^Merged PR (\d+):/.exec(subject);
      return match ? make(match[1], 'pullrequest') : null;
    }
  }
}

/**
 * `remote.origin.url` from the text of a repository's config file, with the `url.<base>.insteadOf`
 * rewrites git applies. Included files (`[include]`) are not followed: a remote named only
 * there gets no link.
 */
export function originUrlFromConfig(text: string): string | null {
  let section = '';
  let origin: string | null = null;
  const rewrites: Array<{ base: string; prefix: string }> = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\](.*)$/.exec(line);
    if (header) {
      const name = header[1].toLowerCase();
      section = header[2] === undefined ? name : `${name}\u0000${header[2].replace(/\\(.)/g, '$1')}`;
      line = header[3].trim();
      if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    }
    const entry = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (!entry || entry[2] === undefined) continue;
    const key = entry[1].toLowerCase();
    const value = configValue(entry[2]);
    if (key === 'url' && origin === null && (section === 'remote\u0000origin' || section === 'remote.origin')) origin = value;
    if (key === 'insteadof' && section.startsWith('url\u0000')) rewrites.push({ base: section.slice(4), prefix: value });
  }
  if (origin === null) return null;
  let best: { base: string; prefix: string } | null = null;
  for (const r of rewrites) if (r.prefix && origin.startsWith(r.prefix) && (!best || r.prefix.length > best.prefix.length)) best = r;
  return best ? best.base + origin.slice(best.prefix.length) : origin;
}

/** A config value: quotes removed, escapes applied, a trailing comment dropped. */
export function configValue(text: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      const next = text[++i];
      out += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'b' ? '' : next;
    } else if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '#' || c === ';')) break;
    else out += c;
  }
  return out.trim();
}
