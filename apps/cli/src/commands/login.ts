import { configFile, removeConfig, writeConfig } from '../config';
import { clientFor, loggedInClient } from '../connect';
import type { CommandModule } from '../command';
import { CliError } from '../errors';
import { print } from '../output';
import { readLine, readPassword, readSecretLine } from '../password';
import { secondFactorChallengeOf } from '@pigeon/client';

interface LoginOptions {
  passwordStdin?: boolean;
  tokenStdin?: boolean;
  code?: string;
}

/** The second step's code: from --code, else asked for at a terminal. */
async function secondFactorCode(options: LoginOptions): Promise<string> {
  if (options.code) return options.code;
  if (!process.stdin.isTTY) {
    throw new CliError(
      'This account has two-factor authentication on: give --code with a code from your authenticator app (or a recovery code).',
    );
  }
  return readLine('Code from your authenticator app (or a recovery code): ');
}

export const login: CommandModule = (program) => {
  program
    .command('login')
    .description('log in to a Pigeon server and keep the session (in a file only you can read)')
    .argument('<server-url>', 'the server, e.g. https://chat.example.com')
    .argument('[username]', 'your username (not with --token-stdin)')
    .option('--password-stdin', 'read the password from standard input instead of a prompt')
    .option('--token-stdin', 'read an API token from standard input and use it instead of a password')
    .option('--code <code>', 'with two-factor on: a code from your authenticator app, or a recovery code')
    .action(async (url: string, username: string | undefined, options: LoginOptions) => {
      const server = new URL(url).toString();
      if (options.tokenStdin) {
        const token = (await readSecretLine()).trim();
        // Saved only once the server has accepted it.
        const user = await clientFor(server, { token }).auth.me.query();
        writeConfig({
          server,
          token,
          user: {
            id: user.id,
            username: user.username,
            displayName: user.displayName,
            isBot: user.isBot,
            avatarUrl: user.avatarUrl,
          },
        });
        print(`Logged in as ${user.username} with a token. Saved in ${configFile()}.`);
        return;
      }
      if (!username) throw new CliError('Give your username, or --token-stdin to log in with an API token.');
      const password = await readPassword(options.passwordStdin === true);
      const client = clientFor(server);
      const { user } = await client.auth.login.mutate({ username, password }).catch(async (err: unknown) => {
        const challenge = secondFactorChallengeOf(err);
        if (!challenge) throw err;
        const code = await secondFactorCode(options);
        return client.auth.loginSecondFactor.mutate({ challenge: challenge.challenge, code });
      });
      print(`Logged in as ${user.username}. Session saved in ${configFile()}.`);
    });

  program
    .command('logout')
    .description('end the saved session on the server and forget it here')
    .action(async () => {
      const { pigeon } = loggedInClient();
      // A token is not a session: it is only forgotten here (revoke it to end it).
      if (pigeon.$session.get()) await pigeon.auth.logout.mutate({}).finally(removeConfig);
      else removeConfig();
      print('Logged out.');
    });
};
