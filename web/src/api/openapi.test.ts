import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { generate } from '../../scripts/gen-api-types.mjs';

describe('API types', () => {
  it('openapi.gen.ts is generated from the current docs/openapi.yaml', async () => {
    const committed = fs.readFileSync(path.join(import.meta.dirname, 'openapi.gen.ts'), 'utf8');
    expect(committed === (await generate()), 'run: node web/scripts/gen-api-types.mjs').toBe(true);
  }, 30_000);
});
