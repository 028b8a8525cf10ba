import { configFile, removeConfig, writeConfig } from '../config';
import { clientFor, loggedInClient } from '../connect';
import type { CommandModule } from '../command';
import { CliError } from '../errors';
import { print } from '../output';
import { readPassword, readSecretLine } from '../password';

interface LoginOptions {
  passwordStdin?: boolean;
  tokenStdin?: boolean;
}

export const login: CommandModule = (program) => {
  program
    .command('login')
    .description('log in to a Pigeon server and keep the session (in a file only you can read)')
    .argument('<server-url>', 'the server, e.g. https://chat.example.com')
    .argument('[username]', 'your username (not with --token-stdin)')
    .option('--password-stdin', 'read the password from standard input instead of a prompt')
    .option('--token-stdin', 'read an API token from standard input and use it instead of a password')
    .action(async (url: string, username: string | undefined, options: LoginOptions) => {
      const server = new URL(url).toString();
      if (options.tokenStdin) {
        const token = (await readSecretLine()).trim();
        // Saved only once the server has accepted it.
        const user = await clientFor(server, { token }).auth.me.query();
        writeConfig({
          server,
          token,
          user: { id: user.id, username: user.username, displayName: user.displayName, isBot: user.isBot },
        });
        print(`Logged in as ${user.username} with a token. Saved in ${configFile()}.`);
        return;
      }
      if (!username) throw new CliError('Give your username, or --token-stdin to log in with an API token.');
      const password = await readPassword(options.passwordStdin === true);
      const { user } = await clientFor(server).auth.login.mutate({ username, password });
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
