import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../src/services/password-policy';

describe('passwordProblem', () => {
  it.each(['password', 'Password', 'PASSWORD', 'qwerty123', 'iloveyou1', '12345678', 'baseball'])(
    'refuses the common password %j, saying why',
    (password) => {
      expect(passwordProblem(password)).toMatch(/most common ones/);
    },
  );

  it('compares the NFKC form: full-width letters are the same common password', () => {
    expect(passwordProblem('ｐａｓｓｗｏｒｄ')).toMatch(/most common ones/);
  });

  it.each([
    ['the username itself', 'alice_w', { username: 'alice_w' }],
    ['the username with a year', 'Alice_W2024!', { username: 'alice_w' }],
    ["the email's local part", 'bob.smith99', { email: 'bob.smith@example.com' }],
    ['the name of the service', 'pigeonchat', {}],
    ['the name of the service around a common password', 'pigeonpassword', {}],
  ])('refuses %s', (_name, password, context) => {
    expect(passwordProblem(password, context)).toMatch(
      /built on your username, email or the name of this service/,
    );
  });

  it.each([
    ['a passphrase', 'correct horse battery', { username: 'alice' }],
    ['a name inside a long enough password', 'bobcat-lightning-42', { username: 'bob' }],
    ['an uncommon word and number', 'tangerine-otter-17', {}],
  ])('accepts %s', (_name, password, context) => {
    expect(passwordProblem(password, context)).toBeNull();
  });
});
