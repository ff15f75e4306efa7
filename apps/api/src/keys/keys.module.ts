import { Controller, Delete, Get, HttpCode, Module, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ROLES } from '../auth/api-key.js';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { AuthModule } from '../auth/auth.module.js';
import { Actor, Roles } from '../auth/decorators.js';
import { pageQuery, pageSchema } from '../platform/pagination.js';
import { ApiZodBody, ApiZodQuery, ApiZodResponse, ZodBody, ZodQuery } from '../platform/zod.js';

const createKeyBody = z.object({
  name: z.string().trim().min(1).max(100).describe('What the key is for, e.g. "console – Alice"'),
  role: z.enum(ROLES),
});
const keyView = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const createdKey = keyView.extend({ key: z.string().describe('The API key. Shown only in this response: store it now.') });

@ApiTags('keys')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/keys')
export class KeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key (the secret is returned only here)' })
  @ApiZodBody(createKeyBody)
  @ApiZodResponse(201, createdKey, 'Created')
  create(@ZodBody(createKeyBody) body: z.output<typeof createKeyBody>, @Actor() actor: Actor) {
    return this.keys.create(body.name, body.role, actor.id);
  }

  @Get()
  @ApiOperation({ summary: 'List API keys (never their secrets), revoked ones included' })
  @ApiZodQuery(pageQuery)
  @ApiZodResponse(200, pageSchema(keyView))
  list(@ZodQuery(pageQuery) query: z.output<typeof pageQuery>) {
    return this.keys.list(query.limit, query.cursor);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key: it is refused (401) from the next request on' })
  async revoke(@Param('id') id: string) {
    await this.keys.revoke(id);
  }
}

@Module({ imports: [AuthModule], controllers: [KeysController] })
export class KeysModule {}
