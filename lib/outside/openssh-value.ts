// Values as OpenSSH reads them, on its command line (-o) and in a config file (ssh -F) alike:
// both split a line into words the same way.

/**
 * A file name as an OpenSSH option value: ssh splits a value at spaces (UserKnownHostsFile takes
 * several files) and expands % and ~ in it, so a state folder with a space would otherwise name
 * two files and, with accept-new, trust any host key. Quoted, with \\ and " escaped and % doubled.
 * A control character cannot be quoted (a newline ends a config line): callers refuse it first.
 */
export function sshPathValue(path: string): string {
  return `"${path.replace(/%/g, '%%').replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
