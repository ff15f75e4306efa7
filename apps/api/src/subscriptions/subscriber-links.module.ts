import { Controller, Get, Header, HttpCode, Module, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/decorators.js';
import { notFound } from '../platform/errors.js';
import { page, paragraph, unsubscribeForm } from './subscriber-pages.js';
import { SubscriptionAccess, SubscriptionsModule } from './subscriptions.module.js';

const TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * The links in emails: confirm a subscription (double opt-in) and unsubscribe (RFC 8058
 * one-click POST, and a GET page that asks first). No API key; the token is the credential.
 */
@ApiExcludeController()
@Public()
@Controller()
export class SubscriberLinksController {
  constructor(private readonly access: SubscriptionAccess) {}

  /** A browser gets a page; anything else the API's JSON error (as every other 404). */
  private notFound(req: Request, res: Response, what: string) {
    const message = `This ${what} link is not valid (any more). Nothing was changed.`;
    if (req.accepts(['json', 'html']) === 'html') return res.status(404).type('html').send(page('Link not valid', paragraph(message)));
    res.status(404).json(notFound(message).body());
  }

  @Get('confirm/:token')
  @Header('Cache-Control', 'no-store')
  async confirm(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const sub = TOKEN.test(token) ? await this.access.subscriptions.confirm(token) : null;
    if (!sub) return this.notFound(req, res, 'confirmation');
    const text = sub.status === 'active' ? `Alerts will go to ${sub.address ?? sub.url}.` : `The subscription is ${sub.status.replace('_', ' ')}.`;
    res.type('html').send(page('Subscription confirmed', paragraph(text)));
  }

  @Get('unsubscribe/:token')
  @Header('Cache-Control', 'no-store')
  async unsubscribePage(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const sub = TOKEN.test(token) ? await this.access.subscriptions.findByToken('unsubscribe', token) : null;
    if (!sub) return this.notFound(req, res, 'unsubscribe');
    if (sub.status === 'unsubscribed') return res.type('html').send(page('Unsubscribed', paragraph('You are already unsubscribed.')));
    res.type('html').send(page('Unsubscribe', unsubscribeForm(`/unsubscribe/${token}`, sub.address ?? sub.url ?? 'this address')));
  }

  /** One-click (RFC 8058): mail clients POST `List-Unsubscribe=One-Click`; the answer is a page, never a redirect. */
  @Post('unsubscribe/:token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async unsubscribe(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const sub = TOKEN.test(token) ? await this.access.subscriptions.unsubscribe(token) : null;
    if (!sub) return this.notFound(req, res, 'unsubscribe');
    res.type('html').send(page('Unsubscribed', paragraph(`No more Mandate Watch alerts will go to ${sub.address ?? sub.url}.`)));
  }
}

@Module({ imports: [SubscriptionsModule], controllers: [SubscriberLinksController] })
export class SubscriberLinksModule {}
