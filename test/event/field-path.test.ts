import t from 'tap';
import { compileFieldPath } from '../../lib/event/field-path.js';

t.test('dotted path reads nested fields', async (t) => {
  const get = compileFieldPath('properties.mag');
  t.equal(get({ properties: { mag: 4.2 } }), 4.2);
  t.equal(get({ properties: 3 }), undefined);
  t.equal(get({}), undefined);
});

t.test('inherited names read own fields only', async (t) => {
  const event = JSON.parse('{"__proto__":{"x":1},"a":{}}') as Record<string, unknown>;
  t.same(compileFieldPath('__proto__')(event), { x: 1 });
  t.equal(compileFieldPath('__proto__.x')(event), 1);
  t.equal(compileFieldPath('constructor')(event), undefined);
  t.equal(compileFieldPath('a.constructor')(event), undefined);
  t.equal(compileFieldPath('toString')({}), undefined);
});

t.test('malformed paths are rejected', async (t) => {
  for (const path of ['', '.', 'a.', '.a', 'a..b']) {
    t.throws(() => compileFieldPath(path), { code: 'ERR_INVALID_OPTION' }, JSON.stringify(path));
  }
});
