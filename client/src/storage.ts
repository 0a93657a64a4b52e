/**
 * Where the client keeps the session between app starts. Any key-value store with async get, set and
 * remove fits: Expo SecureStore, the iOS Keychain and Android's EncryptedSharedPreferences (through
 * react-native-keychain or react-native-encrypted-storage), `localStorage`, a file. The default keeps the
 * session in memory only: the user signs in again at every start.
 */
import { StorageError } from "./errors.js";

export interface SessionStorage {
  /** The stored text, or null (or undefined) when there is none. */
  get(key: string): Promise<string | null | undefined>;
  set(key: string, value: string): Promise<void>;
  remove(key: string): Promise<void>;
}

/** `storage` with its failures as StorageError, whose message is redacted like every other. */
export function guardedStorage(storage: SessionStorage): SessionStorage {
  const guard =
    <A extends unknown[], R>(operation: "get" | "set" | "remove", run: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await run(...args);
      } catch (error) {
        throw new StorageError(operation, error);
      }
    };
  return {
    get: guard("get", (key: string) => storage.get(key)),
    set: guard("set", (key: string, value: string) => storage.set(key, value)),
    remove: guard("remove", (key: string) => storage.remove(key)),
  };
}

export function memoryStorage(): SessionStorage {
  const values = new Map<string, string>();
  return {
    async get(key) {
      return values.get(key) ?? null;
    },
    async set(key, value) {
      values.set(key, value);
    },
    async remove(key) {
      values.delete(key);
    },
  };
}
