/**
 * Secrets the user chose to remember (SSH key passphrases), encrypted with Electron's
 * safeStorage and kept in a 0600 file. On Linux safeStorage falls back to the `basic_text`
 * backend (a hard-coded key) when no keyring is running: then crashdeck refuses to store and
 * says why, instead of writing a passphrase that is only obfuscated. The renderer can store
 * and forget secrets but never read them back; main hands them to the SSH transport.
 */
import type { SafeStorage } from 'electron';
import { readJson, SerialQueue, writeJson } from './json-file.ts';

/** The safeStorage calls used (getSelectedStorageBackend exists on Linux only). */
export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & {
  getSelectedStorageBackend?: () => string;
};

/** Why storing is impossible right now, or null when it is safe. */
export function storageRefusal(safe: SafeStorageLike, platform: NodeJS.Platform = process.platform): string | null {
  if (!safe.isEncryptionAvailable()) return 'The system keyring is not available, so crashdeck cannot store secrets encrypted. You will be asked again next time.';
  if (platform === 'linux') {
    const backend = safe.getSelectedStorageBackend?.() ?? 'unknown';
    if (backend === 'basic_text' || backend === 'unknown') {
      return 'No keyring (GNOME Keyring or KWallet) is running: secrets would only be obfuscated, so crashdeck will not store them. You will be asked again next time.';
    }
  }
  return null;
}

/** Encrypted secrets by id, in one JSON file. */
export class SecretStore {
  private readonly queue = new SerialQueue();

  constructor(
    private readonly safe: SafeStorageLike,
    private readonly file: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /** Store `secret` under `id`, or refuse with the reason. */
  async store(id: string, secret: string): Promise<{ stored: true } | { stored: false; reason: string }> {
    const reason = storageRefusal(this.safe, this.platform);
    if (reason !== null) return { stored: false, reason };
    const encrypted = this.safe.encryptString(secret).toString('base64');
    return this.queue.run(async () => {
      const all = await this.readAll();
      all[id] = encrypted;
      await writeJson(this.file, all);
      return { stored: true as const };
    });
  }

  /** The secret stored under `id`, or null (also when it can no longer be decrypted). */
  async get(id: string): Promise<string | null> {
    const enc = (await this.readAll())[id];
    if (enc === undefined || storageRefusal(this.safe, this.platform) !== null) return null;
    try {
      return this.safe.decryptString(Buffer.from(enc, 'base64'));
    } catch {
      return null;
    }
  }

  /** Remove the secret stored under `id`; true when there was one. */
  forget(id: string): Promise<boolean> {
    return this.queue.run(async () => {
      const all = await this.readAll();
      if (!Object.hasOwn(all, id)) return false;
      delete all[id];
      await writeJson(this.file, all);
      return true;
    });
  }

  private async readAll(): Promise<Record<string, string>> {
    const data = await readJson<unknown>(this.file, {});
    return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, string>) : {};
  }
}
