/**
 * Where the client keeps the session between app starts. Any key-value store with async get, set and
 * remove fits: Expo SecureStore, the iOS Keychain and Android's EncryptedSharedPreferences (through
 * react-native-keychain or react-native-encrypted-storage), `localStorage`, a file. The default keeps the
 * session in memory only: the user signs in again at every start.
 */
export interface SessionStorage {
  /** The stored text, or null (or undefined) when there is none. */
  get(key: string): Promise<string | null | undefined>;
  set(key: string, value: string): Promise<void>;
  remove(key: string): Promise<void>;
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
