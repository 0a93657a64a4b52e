/**
 * The files `npm run sync` reads and writes in the repository Bubble created, reached only as real files
 * and folders inside it. Anyone who can push a commit there can commit a symbolic link (the only proof that
 * the folder is Bubble's is a commit message), and a link would carry a write, a read or the stale-folder
 * clean-up outside the repository: to a shell profile, a JSON file, another project's folders. So every path
 * is checked part by part without following links, every write opens its file refusing a link, and the
 * whole set of paths sync touches is checked before anything is written.
 */
import {
  closeSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeSync,
} from "node:fs";
import path from "node:path";

/** A path in the target that sync will not use: the one line says which and what to do. */
export class UnsafeTargetPath extends Error {}

export class TargetFiles {
  /** The repository's real path: a link the publisher typed to reach it is theirs, and resolved once. */
  readonly root: string;

  constructor(target: string) {
    this.root = realpathSync(target);
  }

  /**
   * The absolute path of `relative` (slash-separated, inside the root), after checking that no part of it
   * that exists is a symbolic link, and that it stays inside the root.
   */
  path(relative: string): string {
    const parts = relative.split("/");
    if (parts.some((part) => part === "" || part === "." || part === ".."))
      throw new UnsafeTargetPath(`${this.root}: ${relative} is not a plain path inside the repository.`);
    let current = this.root;
    for (const [i, part] of parts.entries()) {
      current = path.join(current, part);
      let stat: ReturnType<typeof lstatSync>;
      try {
        stat = lstatSync(current);
      } catch {
        break; // Missing: sync creates it, as a real file or folder.
      }
      const shown = parts.slice(0, i + 1).join("/");
      if (stat.isSymbolicLink())
        throw new UnsafeTargetPath(
          `${this.root}: ${shown} is a symbolic link; npm run sync reads and writes only real files inside the repository: replace it with the file or folder itself (git checkout -- ${shown}) and run it again.`,
        );
      if (i < parts.length - 1 && !stat.isDirectory())
        throw new UnsafeTargetPath(`${this.root}: ${shown} is not a folder; sync needs one there.`);
    }
    return current;
  }

  exists(relative: string): boolean {
    return existsSync(this.path(relative));
  }

  /** Checks every path sync may touch (these, and everything under `folders`) before anything is written. */
  checkAll(files: readonly string[], folders: readonly string[]): void {
    for (const file of files) this.path(file);
    for (const folder of folders) {
      if (!existsSync(this.path(folder))) continue;
      for (const entry of readdirSync(this.path(folder), { recursive: true }))
        this.path(`${folder}/${String(entry).split(path.sep).join("/")}`);
    }
  }

  /** Writes `content` to `relative`, creating its folders; a link that appeared meanwhile is refused. */
  write(relative: string, content: string): void {
    const parts = relative.split("/");
    for (let i = 1; i < parts.length; i++) {
      const folder = this.path(parts.slice(0, i).join("/"));
      if (!existsSync(folder)) mkdirSync(folder);
    }
    const file = this.path(relative);
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
    const fd = openSync(file, flags, 0o644);
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
  }

  /** Removes the folder `relative` and what it holds (links inside it are removed, never followed). */
  remove(relative: string): void {
    rmSync(this.path(relative), { recursive: true });
  }
}
