import type { CommandModule } from '../command';
import { friends } from './friends';
import { login } from './login';
import { search } from './search';
import { send } from './send';
import { tail } from './tail';

/** Every command of `pigeon`, in the order `pigeon --help` lists them. */
export const commands: CommandModule[] = [login, send, tail, friends, search];
