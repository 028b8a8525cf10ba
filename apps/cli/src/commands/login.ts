import { configFile, removeConfig } from '../config';
import { clientFor, loggedInClient } from '../connect';
import type { CommandModule } from '../command';
import { print } from '../output';
import { readPassword } from '../password';

export const login: CommandModule = (program) => {
  program
    .command('login')
    .description('log in to a Pigeon server and keep the session (in a file only you can read)')
    .argument('<server-url>', 'the server, e.g. https://chat.example.com')
    .argument('<username>')
    .option('--password-stdin', 'read the password from standard input instead of a prompt')
    .action(async (server: string, username: string, options: { passwordStdin?: boolean }) => {
      const password = await readPassword(options.passwordStdin === true);
      const pigeon = clientFor(new URL(server).toString());
      const { user } = await pigeon.auth.login.mutate({ username, password });
      print(`Logged in as ${user.username}. Session saved in ${configFile()}.`);
    });

  program
    .command('logout')
    .description('end the saved session on the server and forget it here')
    .action(async () => {
      const { pigeon } = loggedInClient();
      await pigeon.auth.logout.mutate({}).finally(removeConfig);
      print('Logged out.');
    });
};
