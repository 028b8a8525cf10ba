import type { Command } from 'commander';

/**
 * One `pigeon` command, in a file of its own under `commands/`: it adds itself (with its
 * arguments, options and subcommands) to the program. List it in `commands/index.ts`.
 */
export type CommandModule = (program: Command) => void;
