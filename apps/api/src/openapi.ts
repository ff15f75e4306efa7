import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { EVENT_SCHEMAS } from '#libs/domain';
import { jsonSchemaOf } from './platform/zod.js';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', examples: ['VALIDATION_FAILED', 'UNAUTHORIZED', 'NOT_FOUND'] },
        message: { type: 'string' },
        details: { type: 'array', items: {}, description: 'For VALIDATION_FAILED: [{ path, message }] per bad field' },
      },
    },
  },
};

/** The OpenAPI 3.1 document: every route, its zod schemas, and the data schema of each event type. */
export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Mandate Watch API')
    .setDescription(
      'UN Security Council mandates, their decisions and expiries, with alerts. Authenticate with `Authorization: Bearer mw_<id>_<secret>`. ' +
        'Errors are `{ "error": { "code", "message", "details" } }`; lists are `{ "items", "next" }` with `?limit=` (≤ 500) and `?cursor=`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key mw_<id>_<secret>' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const schemas = (document.components ??= {}).schemas ?? {};
  schemas.Error = errorSchema as never;
  for (const [type, schema] of Object.entries(EVENT_SCHEMAS)) schemas[`${type}Data`] = jsonSchemaOf(schema) as never;
  document.components.schemas = schemas;
  // Every operation can fail in the one error format (400/401/403/404/409/413/415/422/503…).
  for (const operations of Object.values(document.paths)) {
    for (const op of Object.values(operations) as { responses?: Record<string, unknown> }[]) {
      if (!op || typeof op !== 'object' || !('responses' in op)) continue;
      op.responses = {
        ...op.responses,
        default: { description: 'An error: `{ error: { code, message, details? } }`', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      };
    }
  }
  return document;
}

export function serveOpenApi(app: INestApplication): OpenAPIObject {
  const document = buildOpenApi(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json', yamlDocumentUrl: 'api/openapi.yaml' });
  return document;
}
