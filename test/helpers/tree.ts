// Everything under a folder as plain data (links read, never followed), so a test can prove a
// command left a tree exactly as it was.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** relative path → "folder", "file <content>", "link <target>" or "special file" */
export function treeOf(dir: string): Record<string, string> {
  const tree: Record<string, string> = {};
  const walk = (relative: string) => {
    for (const name of readdirSync(join(dir, relative)).sort()) {
      const path = relative ? `${relative}/${name}` : name;
      const stats = lstatSync(join(dir, path));
      if (stats.isSymbolicLink()) tree[path] = `link ${readlinkSync(join(dir, path))}`;
      else if (stats.isDirectory()) {
        tree[path] = 'folder';
        walk(path);
      } else if (stats.isFile()) tree[path] = `file ${readFileSync(join(dir, path), 'utf8')}`;
      // a FIFO would hang a read
      else tree[path] = 'special file';
    }
  };
  walk('');
  return tree;
}
