import { expect, it } from 'vitest';
import { open as openZip, type Entry } from 'yauzl';
import {
  friendsWithConversation,
  logIn,
  seriousViolations,
  webServerAndBrowserForFile,
} from '../src/browser';

const e2e = webServerAndBrowserForFile();

it('lists devices and logs one out remotely, changes the password, exports data and deletes the account', async () => {
  const { one: me, close } = await friendsWithConversation(e2e.server.url, 'acct');
  const contexts = await Promise.all([
    e2e.browser.newContext({ acceptDownloads: true }),
    e2e.browser.newContext(),
  ]);
  const [laptop, phone] = await Promise.all(contexts.map((c) => c.newPage()));
  if (!laptop || !phone) throw new Error('no pages');
  laptop.on('dialog', (dialog) => void dialog.accept());
  await logIn(laptop, e2e.server.url, me);
  await logIn(phone, e2e.server.url, me);
  await laptop.goto(`${e2e.server.url}/profile`);

  // Devices: three logins (the bot's and two browsers); ending the phone's sends it to the start.
  const devices = laptop.getByRole('list', { name: 'Your devices' });
  await expect.poll(() => devices.getByRole('listitem').count(), { timeout: 10_000 }).toBe(3);
  expect(await devices.getByText('this device').count()).toBe(1);
  expect(await seriousViolations(laptop)).toEqual([]);
  await laptop.getByRole('button', { name: 'Log out all other devices' }).click();
  await expect.poll(() => devices.getByRole('listitem').count(), { timeout: 10_000 }).toBe(1);
  await phone.getByRole('link', { name: 'Create an account' }).waitFor({ timeout: 15_000 });

  // Password: the current one is required.
  await laptop.getByLabel('Current password').fill('not the password');
  await laptop.getByLabel('New password').fill('a shiny new password');
  await laptop.getByRole('button', { name: 'Change password' }).click();
  await laptop.getByRole('alert').getByText('The current password is not right.').waitFor();
  await laptop.getByLabel('Current password').fill(me.password);
  await laptop.getByRole('button', { name: 'Change password' }).click();
  await laptop
    .getByRole('status')
    .getByText(/Password changed/)
    .waitFor();

  // Export: a zip named after the user, whose export.json has the profile in it.
  const [download] = await Promise.all([
    laptop.waitForEvent('download'),
    laptop.getByRole('button', { name: 'Download my data' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`pigeon-export-${me.username}.zip`);
  const exported = JSON.parse(await zipEntry(await download.path(), 'export.json')) as {
    profile: { username: string; email: string };
  };
  expect(exported.profile).toMatchObject({ username: me.username, email: me.email });

  // Delete: back to the landing page, and the account no longer logs in.
  await laptop.getByLabel('Password, to delete your account').fill('a shiny new password');
  await laptop.getByRole('button', { name: 'Delete my account' }).click();
  await laptop.getByRole('link', { name: 'Create an account' }).waitFor({ timeout: 10_000 });
  await laptop.goto(`${e2e.server.url}/login`);
  await laptop.getByLabel('Username').fill(me.username);
  await laptop.getByLabel('Password').fill('a shiny new password');
  await laptop.getByRole('button', { name: 'Log in' }).click();
  await laptop.getByText('Wrong username or password.').waitFor();

  await Promise.all(contexts.map((c) => c.close()));
  await close();
});

/** One entry of a zip file as text, read with yauzl. */
function zipEntry(path: string, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    openZip(path, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      zip.on('error', reject);
      zip.on('end', () => reject(new Error(`${name} is not in the zip`)));
      zip.on('entry', (entry: Entry) => {
        if (entry.fileName !== name) return zip.readEntry();
        zip.openReadStream(entry, (streamErr, stream) => {
          if (streamErr) return reject(streamErr);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            zip.close();
            resolve(Buffer.concat(chunks).toString('utf8'));
          });
        });
      });
      zip.readEntry();
    });
  });
}
