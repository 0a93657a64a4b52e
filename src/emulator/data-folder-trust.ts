/**
 * Whether the local data folder can be trusted with keys: the backend reads its JWT Secrets and users from
 * there, so a folder or file another user could write (or did write) would let them plant a secret and
 * forge tokens the backend accepts. Refused with one line saying how to fix it. On Windows, where modes and
 * owners do not say this, nothing is checked.
 */
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync } from "node:fs";
import path from "node:path";
import { shellQuote } from "./banner.js";

/** The user this process runs as; undefined where there are no user ids (Windows). */
export function currentUser(): number | undefined {
  return process.getuid?.();
}

/**
 * Throws unless `file` (when it exists) belongs to `owner` and is writable by no one else; `fixMode` is
 * the mode the fix sets.
 */
export function checkTrusted(file: string, owner: number | undefined, fixMode: "700" | "600"): void {
  if (owner === undefined || !existsSync(file)) return;
  const stat = lstatSync(file);
  if (stat.uid !== owner)
    throw new Error(
      `Cannot start: ${file} belongs to another user (uid ${stat.uid}), so its keys could have been planted; point LOCAL_DATA_DIR at a folder of your own, or delete it to start afresh.`,
    );
  if (stat.isSymbolicLink())
    throw new Error(
      `Cannot start: ${file} is a symbolic link, so its keys could come from anywhere; replace it with the file itself.`,
    );
  if ((stat.mode & 0o022) !== 0)
    throw new Error(
      `Cannot start: ${file} is writable by other users (mode ${(stat.mode & 0o777).toString(8)}), so its keys could have been replaced; run chmod ${fixMode} ${shellQuote(file)} and start again.`,
    );
}

/**
 * Throws when `dir` is inside the git repository `repository` and git does not ignore it: its keys and
 * databases would be one `git add -A` away from a commit. Nothing to check outside a git repository.
 */
export function checkNotCommittable(dir: string, repository: string): void {
  const relative = path.relative(repository, dir);
  if (relative.startsWith("..") || path.isAbsolute(relative)) return;
  let ignored: boolean;
  try {
    // The trailing slash: a folder that does not exist yet still matches a folder pattern such as /.local/.
    execFileSync("git", ["-C", repository, "check-ignore", "-q", "--", `${dir}${path.sep}`], {
      stdio: "ignore",
    });
    ignored = true;
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status !== 1) return; // 128: not a git repository (or no git): nothing can be committed by mistake.
    ignored = false;
  }
  if (!ignored) {
    const suggestion = `/${relative.split(path.sep).join("/")}/`;
    throw new Error(
      `Cannot start: the data folder ${dir} is inside the repository and not git-ignored, so its keys could be committed; add ${suggestion} to .gitignore or set LOCAL_DATA_DIR to a folder outside the repository.`,
    );
  }
}
