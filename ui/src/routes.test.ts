import { describe, expect, it } from 'vitest';
import clientRoutes from './routes.json';
import { pages, specialRoutes } from './app';

// routes.json is the one list of client routes: the server answers 404 for any other path,
// so a page missing from it would not survive a reload, and an entry without a page would
// load the app only to show "not found".
describe('client routes', () => {
  it('routes.json lists exactly the pages the app routes', () => {
    expect([...clientRoutes].sort()).toEqual([...Object.keys(pages), ...specialRoutes].sort());
  });
});
