import { Controller, Get, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiZodResponse } from '../platform/zod.js';
import { ROLES } from './api-key.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthGuard } from './auth.guard.js';
import { Actor } from './decorators.js';

export const actorSchema = z.object({ id: z.string(), name: z.string(), role: z.enum(ROLES) });

/** `GET /api/me`: who the key is (the console shows it and hides what the role may not do). */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/me')
export class MeController {
  @Get()
  @ApiOperation({ summary: 'The calling API key: id, name and role' })
  @ApiZodResponse(200, actorSchema)
  me(@Actor() actor: Actor) {
    return { id: actor.id, name: actor.name, role: actor.role };
  }
}

@Module({
  controllers: [MeController],
  providers: [ApiKeysService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [ApiKeysService],
})
export class AuthModule {}
