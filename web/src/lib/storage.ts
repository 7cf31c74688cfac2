// Small typed wrappers over localStorage: a corrupt or missing entry, or a
// browser that refuses storage, falls back to the default and never throws.

export function loadJson<T>(key: string, fallback: T, valid: (v: unknown) => v is T = (_v): _v is T => true): T {
  try {
    const raw = localStorage.getItem(key);
    if (raw === null) return fallback;
    const v: unknown = JSON.parse(raw);
    return valid(v) ? v : fallback;
  } catch {
    return fallback;
  }
}

/** Saves `value`; false when the browser refused (quota, privacy mode). */
export function saveJson(key: string, value: unknown): boolean {
  try {
    localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

export function removeKey(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    /* nothing to do */
  }
}
