import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { equal } from '../../src/coordination/assert-stand-in.ts';
import { AjvJsonSchemaValidator } from '../../src/server/no-schema-validator.ts';
import { CLI } from '../helpers/paths.ts';

test("the server's bundle holds the stand-ins, not ajv nor Node's assert (esbuild.mjs)", () => {
  const bundle = readFileSync(CLI, 'utf8');
  assert.ok(bundle.includes('Baton checks no elicitation answers'), 'the validator stand-in');
  assert.ok(!bundle.includes('strictTuples'), 'no ajv');
  assert.ok(!/require\("(node:)?assert"\)/.test(bundle), "no Node's assert");
});

test("the assert stand-in does what signal-exit asks of assert.equal: a loose comparison that throws the message", () => {
  equal(typeof (() => undefined), 'function', 'a callback must be provided');
  equal(1, '1');
  assert.throws(() => equal(typeof 'handler', 'function', 'a callback must be provided for exit handler'), /a callback must be provided for exit handler/);
});

test('the validator stand-in answers every check with a clear refusal', () => {
  const validate = new AjvJsonSchemaValidator().getValidator<{ name: string }>({ type: 'object' });
  const result = validate({ name: 'x' });
  assert.equal(result.valid, false);
  assert.match(result.errorMessage ?? '', /never asks a client for input/);
});
