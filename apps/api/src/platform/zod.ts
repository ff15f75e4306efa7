import { applyDecorators, Body, type PipeTransform, Query } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { issuesOf } from '#libs/domain';
import { validationFailed } from './errors.js';

/**
 * Validation with zod 4 (nestjs-zod does not support Nest 12): a pipe that parses the value
 * (defaults, transforms, normalised symbols) or answers 400 VALIDATION_FAILED listing each bad
 * field, and decorators that publish the same schema into the OpenAPI document.
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly what: 'body' | 'query',
  ) {}
  transform(value: unknown): z.output<S> {
    const nul = pathOfNul(value);
    if (nul !== null) {
      // PostgreSQL cannot store U+0000 in text or JSONB: refuse it here, naming the field.
      throw validationFailed([{ path: nul, message: 'must not contain the NUL character (U+0000)' }], this.what === 'body' ? 'The request body is not valid' : 'The query parameters are not valid');
    }
    const result = this.schema.safeParse(value ?? (this.what === 'query' ? {} : undefined));
    if (result.success) return result.data;
    throw validationFailed(issuesOf(result.error), this.what === 'body' ? 'The request body is not valid' : 'The query parameters are not valid');
  }
}

/** The path of the first string (or key) containing U+0000, or null. */
function pathOfNul(value: unknown, path: string[] = [], depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') : null;
  if (!value || typeof value !== 'object' || depth > 64) return null;
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...path, key.replace(/\u0000/g, '\\0')].join('.');
    const found = pathOfNul(inner, [...path, key], depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** `@ZodBody(schema) body: z.output<typeof schema>` */
export const ZodBody = (schema: z.ZodType): ParameterDecorator => Body(new ZodValidationPipe(schema, 'body'));
/** `@ZodQuery(schema) query: z.output<typeof schema>` */
export const ZodQuery = (schema: z.ZodType): ParameterDecorator => Query(new ZodValidationPipe(schema, 'query'));

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of what a client sends. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return json;
}

export const ApiZodBody = (schema: z.ZodType, description?: string) => ApiBody({ schema: jsonSchemaOf(schema) as never, description });

/** One OpenAPI query parameter per property of an object schema. */
export function ApiZodQuery(schema: z.ZodObject): MethodDecorator {
  const json = jsonSchemaOf(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return applyDecorators(
    ...Object.entries(json.properties ?? {}).map(([name, property]) =>
      ApiQuery({ name, required: (json.required ?? []).includes(name) && !('default' in property), schema: property as never, description: property.description as string | undefined }),
    ),
  );
}

export const ApiZodResponse = (status: number, schema: z.ZodType, description = 'OK') =>
  ApiResponse({ status, description, schema: jsonSchemaOf(schema, 'output') as never });
