import t from 'tap';
import { appendMembers, removeMembers } from '../../lib/transforms/json-text.js';

const ADDED = new Set(['severity', 'normalized_value']);

t.test('appendMembers adds before the closing brace', async (t) => {
  t.equal(appendMembers('{"a":1}', '"b":2'), '{"a":1,"b":2}');
  t.equal(appendMembers('{}', '"b":2'), '{"b":2}');
  t.equal(appendMembers('{ }', '"b":2'), '{ "b":2}');
  t.equal(appendMembers('  {"a":1} \t ', '"b":2'), '  {"a":1,"b":2}');
  t.equal(appendMembers('{"a":{"c":[1,{}]} }', '"b":2'), '{"a":{"c":[1,{}]} ,"b":2}');
});

t.test('appendMembers keeps big integers as written', async (t) => {
  t.equal(appendMembers('{"id":12345678901234567890,"v":1.50}', '"b":2'), '{"id":12345678901234567890,"v":1.50,"b":2}');
});

t.test('removeMembers removes top-level names only', async (t) => {
  t.equal(removeMembers('{"severity":"x","a":1}', ADDED), '{"a":1}');
  t.equal(removeMembers('{"a":1,"severity":"x"}', ADDED), '{"a":1}');
  t.equal(removeMembers('{"a":1,"severity":"x","b":2}', ADDED), '{"a":1,"b":2}');
  t.equal(removeMembers('{"severity":"x"}', ADDED), '{}');
  t.equal(removeMembers('{"n":{"severity":1},"severity":2}', ADDED), '{"n":{"severity":1}}');
});

t.test('removeMembers handles escapes, duplicates and spaces', async (t) => {
  t.equal(removeMembers('{"sever\\u0069ty":1,"a":"}\\"{,"}', ADDED), '{"a":"}\\"{,"}');
  t.equal(removeMembers('{"severity":1,"severity":2,"id":12345678901234567890}', ADDED), '{"id":12345678901234567890}');
  t.equal(removeMembers(' { "a" : [1, "]"] , "normalized_value" : 0.5 , "b" : true } ', ADDED), ' {"a" : [1, "]"],"b" : true} ');
  t.equal(removeMembers('{"a":null,"severity":-1.5e3}', ADDED), '{"a":null}');
});

t.test('removeMembers output parses to the same object', async (t) => {
  const text = '{"x":{"y":[{"severity":1}]},"severity":"Low","s":"\\\\","normalized_value":0,"z":false}';
  const expected = JSON.parse(text) as Record<string, unknown>;
  delete expected.severity;
  delete expected.normalized_value;
  t.same(JSON.parse(removeMembers(text, ADDED)), expected);
});
