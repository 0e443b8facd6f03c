/** Every material version of a key in one region, oldest first, read page by page. */
import type { KeyMaterialRecord } from '../domain/key-model.js';
import type { KeyStore } from '../ports/key-store.js';

const PAGE = 100;

export async function allMaterials(store: KeyStore, accountId: string, region: string, keyId: string): Promise<KeyMaterialRecord[]> {
  const out: KeyMaterialRecord[] = [];
  let after = 0;
  for (;;) {
    const page = await store.listMaterials(accountId, region, keyId, after, PAGE);
    out.push(...page.items);
    if (page.next === undefined) return out;
    after = Number(page.next);
  }
}
