// Handlebars sources of the alert email. Kept in a .ts module (not .hbs files) so that the
// compiled build carries them without a copy step. {{…}} escapes HTML in the HTML part; the
// text part is compiled with noEscape.
export const ALERT_TEXT_TEMPLATE = `{{headline}}

{{#if detail}}{{detail}}

{{/if}}{{#if mandateName}}Mandate: {{mandateName}}{{#if acronym}} ({{acronym}}){{/if}}
{{/if}}{{#if expiresOn}}In force until: {{expiresOn}}{{#if daysLeft}} ({{daysLeft}} days left){{/if}}
{{/if}}{{#if decision}}Last decision: {{decision.symbol}}, adopted on {{decision.adoptedOn}}
{{/if}}{{#if consoleUrl}}
Open in Mandate Watch: {{consoleUrl}}
{{/if}}{{#if confirmUrl}}
Confirm the subscription: {{confirmUrl}}
{{/if}}{{#if late}}
(This alert was due on {{dueOn}} and is sent late.)
{{/if}}
--
You receive this because of a Mandate Watch subscription.
Unsubscribe: {{unsubscribeUrl}}
`;

export const ALERT_HTML_TEMPLATE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{subject}}</title></head>
<body style="font-family: Arial, Helvetica, sans-serif; color: #1a1a1a; max-width: 640px;">
  <h1 style="font-size: 20px;">{{headline}}</h1>
  {{#if detail}}<p>{{detail}}</p>{{/if}}
  <table style="border-collapse: collapse;">
    {{#if mandateName}}<tr><th align="left" style="padding: 2px 12px 2px 0;">Mandate</th><td>{{mandateName}}{{#if acronym}} ({{acronym}}){{/if}}</td></tr>{{/if}}
    {{#if expiresOn}}<tr><th align="left" style="padding: 2px 12px 2px 0;">In force until</th><td>{{expiresOn}}{{#if daysLeft}} ({{daysLeft}} days left){{/if}}</td></tr>{{/if}}
    {{#if decision}}<tr><th align="left" style="padding: 2px 12px 2px 0;">Last decision</th><td>{{decision.symbol}}, adopted on {{decision.adoptedOn}}</td></tr>{{/if}}
  </table>
  {{#if consoleUrl}}<p><a href="{{consoleUrl}}">Open in Mandate Watch</a></p>{{/if}}
  {{#if confirmUrl}}<p><a href="{{confirmUrl}}">Confirm the subscription</a></p>{{/if}}
  {{#if late}}<p><em>This alert was due on {{dueOn}} and is sent late.</em></p>{{/if}}
  <hr>
  <p style="font-size: 12px; color: #555;">You receive this because of a Mandate Watch subscription.
    <a href="{{unsubscribeUrl}}">Unsubscribe</a></p>
</body>
</html>
`;

/** The weekly digest: one entry per alert, in the order they fell due. */
export const DIGEST_TEXT_TEMPLATE = `{{headline}}{{#each items}}

{{number}}. {{title}}{{#if detail}}
   {{detail}}{{/if}}{{#if expiresOn}}
   In force until: {{expiresOn}}{{#if daysLeft}} ({{daysLeft}} days left){{/if}}{{/if}}{{#if decision}}
   Last decision: {{decision.symbol}}, adopted on {{decision.adoptedOn}}{{/if}}{{#if consoleUrl}}
   {{consoleUrl}}{{/if}}{{/each}}
{{#if late}}
(This digest was due on {{dueOn}} and is sent late.)
{{/if}}
--
You receive this weekly digest because of a Mandate Watch subscription.
Unsubscribe: {{unsubscribeUrl}}
`;

export const DIGEST_HTML_TEMPLATE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{subject}}</title></head>
<body style="font-family: Arial, Helvetica, sans-serif; color: #1a1a1a; max-width: 640px;">
  <h1 style="font-size: 20px;">{{headline}}</h1>
  <ol>
  {{#each items}}
    <li style="margin-bottom: 12px;">
      <strong>{{#if consoleUrl}}<a href="{{consoleUrl}}">{{title}}</a>{{else}}{{title}}{{/if}}</strong>
      {{#if detail}}<br>{{detail}}{{/if}}
      {{#if expiresOn}}<br>In force until {{expiresOn}}{{#if daysLeft}} ({{daysLeft}} days left){{/if}}{{/if}}
      {{#if decision}}<br>Last decision: {{decision.symbol}}, adopted on {{decision.adoptedOn}}{{/if}}
    </li>
  {{/each}}
  </ol>
  {{#if late}}<p><em>This digest was due on {{dueOn}} and is sent late.</em></p>{{/if}}
  <hr>
  <p style="font-size: 12px; color: #555;">You receive this weekly digest because of a Mandate Watch subscription.
    <a href="{{unsubscribeUrl}}">Unsubscribe</a></p>
</body>
</html>
`;
