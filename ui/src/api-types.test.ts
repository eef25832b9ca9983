// @vitest-environment node
// api-types.ts is generated from openapi.json (npm run gen:api); this test
// fails when the committed file no longer matches the document, and the Go
// test TestOpenAPIFileUpToDate fails when openapi.json no longer matches the
// server. Together they keep the web app's types equal to the Go types.
import { readFileSync } from 'node:fs';
import openapiTS from 'openapi-typescript';
import { expect, test } from 'vitest';

test('api-types.ts is generated from the current openapi.json', async () => {
  const doc = new URL('../openapi.json', import.meta.url);
  const want = await openapiTS(doc);
  const got = readFileSync(new URL('./api-types.ts', import.meta.url), 'utf8');
  expect(got === want, 'src/api-types.ts is out of date: run npm run gen:api').toBe(true);
});
