import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { openDatabase } from '../../src/engine/store/database.ts';
import { StoreConnection } from '../../src/engine/store/connection.ts';
import { tempFolder } from '../helpers/paths.ts';

const home = tempFolder('store-snapshot');
after(() => home.remove());

test('reads inside oneSnapshot agree while another connection commits; outside they see the commit; a write inside is refused', () => {
  const reader = new StoreConnection(openDatabase(home.path));
  const writer = openDatabase(home.path);
  try {
    writer.exec('CREATE TABLE IF NOT EXISTS probe (n INTEGER)');
    const count = (): number => (reader.db.prepare('SELECT count(*) AS n FROM probe').get() as { n: number }).n;
    const inside = reader.oneSnapshot(() => {
      const first = count();
      writer.exec('INSERT INTO probe VALUES (1)');
      return [first, count()];
    });
    assert.deepEqual(inside, [0, 0], 'one snapshot: the commit in between is not seen');
    assert.equal(count(), 1, 'after the snapshot the commit is seen');
    assert.throws(() => reader.oneSnapshot(() => reader.transaction(() => reader.db.exec('INSERT INTO probe VALUES (2)'), false)), /reads only/);
    assert.equal(reader.db.isTransaction, false, 'the snapshot ended');
    assert.equal(count(), 1, 'the refused write wrote nothing');
    // Nested inside a transaction already open, the body just runs.
    assert.equal(reader.transaction(() => reader.oneSnapshot(() => count()), false), 1);
  } finally {
    writer.close();
    reader.close();
  }
});
