import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';

/**
 * Stands in, in the server's bundle, for the MCP SDK's ajv-based JSON Schema
 * validator: esbuild.mjs maps the SDK server's import of
 * `validation/ajv-provider.js` to this file. The SDK's server needs a
 * validator only to check a client's answer to an elicitation request, and
 * Baton never asks a client for input; loading ajv cost every server process
 * 1.1 MB (idle follower, 2026-12-01: docs/benchmarks.md).
 */
export class AjvJsonSchemaValidator implements jsonSchemaValidator {
  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    void schema;
    return () => ({ valid: false, data: undefined, errorMessage: 'Baton checks no elicitation answers: it never asks a client for input.' });
  }
}
