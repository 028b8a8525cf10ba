export * from './auth';
export * from './common';
export * from './conversations';
export * from './events';
export * from './friends';
export * from './limits';
export * from './messages';
export * from './users';
