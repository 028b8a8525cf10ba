import { Command } from 'commander';
import { commands } from './commands/index';

export function createProgram(): Command {
  const program = new Command('pigeon')
    .description('Chat on a Pigeon server from the terminal.')
    .version('0.1.0')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: false });
  for (const add of commands) add(program);
  return program;
}
