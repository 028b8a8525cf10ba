import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';

const FROM = 'Pigeon <no-reply@example.com>';

describe('email configuration', () => {
  it('sends no email unless SMTP is configured', () => {
    expect(loadConfig({}).email).toBeUndefined();
    expect(loadConfig({ PUBLIC_URL: 'https://chat.example.com' }).email).toBeUndefined();
  });

  it('takes SMTP as one URL, with the sender and the public origin links point at', () => {
    const config = loadConfig({
      SMTP_URL: 'smtps://mailer:secret@mail.example.com:465',
      MAIL_FROM: FROM,
      PUBLIC_URL: 'https://chat.example.com/some/path',
    });
    expect(config.email).toEqual({
      smtp: { url: 'smtps://mailer:secret@mail.example.com:465' },
      from: FROM,
      publicUrl: 'https://chat.example.com',
    });
  });

  it('takes SMTP in parts, with the usual port for each kind of TLS', () => {
    const parts = { SMTP_HOST: 'mail.example.com', MAIL_FROM: FROM, PUBLIC_URL: 'https://chat.example.com' };
    expect(loadConfig({ ...parts, SMTP_USER: 'u', SMTP_PASS: 'p' }).email?.smtp).toEqual({
      host: 'mail.example.com',
      port: 587,
      secure: false,
      user: 'u',
      pass: 'p',
    });
    expect(loadConfig({ ...parts, SMTP_SECURE: 'true' }).email?.smtp).toMatchObject({
      port: 465,
      secure: true,
    });
    expect(loadConfig({ ...parts, SMTP_PORT: '2525' }).email?.smtp).toMatchObject({ port: 2525 });
  });

  it.each([
    [{ SMTP_URL: 'smtp://mail', PUBLIC_URL: 'https://chat.example.com' }, /MAIL_FROM is required/],
    [{ SMTP_URL: 'smtp://mail', MAIL_FROM: FROM }, /PUBLIC_URL is required/],
    [{ SMTP_URL: 'http://mail', MAIL_FROM: FROM, PUBLIC_URL: 'https://c.example' }, /SMTP_URL must start/],
    [
      { SMTP_URL: 'smtp://mail', SMTP_HOST: 'mail', MAIL_FROM: FROM, PUBLIC_URL: 'https://c.example' },
      /not both/,
    ],
    [{ SMTP_PORT: '25', MAIL_FROM: FROM, PUBLIC_URL: 'https://c.example' }, /SMTP_HOST is required/],
    [{ SMTP_HOST: 'mail', MAIL_FROM: FROM, PUBLIC_URL: 'ftp://c.example' }, /PUBLIC_URL must start/],
    [{ MAIL_FROM: FROM }, /MAIL_FROM needs SMTP_URL or SMTP_HOST/],
  ])('refuses %o at start', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
