import type { TwoFactorEnrolment } from '@pigeon/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useEffect, useState, type SubmitEvent } from 'react';
import { formText } from '../../lib/form';
import { useTRPC } from '../../lib/trpc';
import { Button } from '../button';
import { Field } from '../field';

/** A code box as authenticator apps and password managers expect it (they may fill it in). */
export const oneTimeCodeInput = {
  autoComplete: 'one-time-code',
  inputMode: 'numeric',
  className: 'text-base',
} as const;

function Problem({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
      {text}
    </p>
  );
}

/** The QR code to scan, drawn here from the otpauth URI (the secret never leaves the page). */
function QrCode({ uri }: { uri: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    void QRCode.toDataURL(uri, { margin: 1, width: 192 }).then((url) => current && setSrc(url));
    return () => {
      current = false;
    };
  }, [uri]);
  return src ? (
    <img src={src} width={192} height={192} alt="QR code to scan with your authenticator app" />
  ) : null;
}

/** Shown once, right after two-factor is turned on. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const text = codes.join('\n');
  const download = () => {
    const url = URL.createObjectURL(new Blob([`${text}\n`], { type: 'text/plain' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'pigeon-recovery-codes.txt';
    link.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div className="space-y-3">
      <p className="text-sm">
        Two-factor authentication is on. Keep these recovery codes somewhere safe: each lets you log in once
        without your phone. They are shown only now.
      </p>
      <ul aria-label="Recovery codes" className="grid grid-cols-2 gap-1 font-mono text-sm">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <div className="flex flex-wrap gap-2">
        <Button onClick={() => void navigator.clipboard.writeText(text).then(() => setCopied(true))}>
          {copied ? 'Copied' : 'Copy codes'}
        </Button>
        <Button onClick={download}>Download codes</Button>
        <Button variant="primary" onClick={onDone}>
          I have saved them
        </Button>
      </div>
    </div>
  );
}

function Enrol({
  enrolment,
  onEnabled,
}: {
  enrolment: TwoFactorEnrolment;
  onEnabled: (codes: string[]) => void;
}) {
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(null);
  const confirm = useMutation(
    trpc.auth.confirmTwoFactor.mutationOptions({
      onSuccess: ({ recoveryCodes }) => onEnabled(recoveryCodes),
      onError: (err) => setError(err.message),
    }),
  );
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    confirm.mutate({ code: formText(event.currentTarget, 'enrolCode') });
  };
  return (
    <form noValidate onSubmit={submit} className="space-y-3">
      <p className="text-sm">Scan this with an authenticator app, then enter the 6-digit code it shows.</p>
      <QrCode uri={enrolment.otpauthUri} />
      <p className="text-sm">
        Or type this setup key into the app:{' '}
        <code aria-label="Setup key" className="font-mono break-all">
          {enrolment.secret}
        </code>
      </p>
      <Field id="enrol-code" name="enrolCode" label="Code from the app" {...oneTimeCodeInput} />
      <Problem text={error} />
      <Button type="submit" variant="primary" disabled={confirm.isPending}>
        Turn on two-factor
      </Button>
    </form>
  );
}

function Disable({ onDisabled }: { onDisabled: () => void }) {
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(null);
  const disable = useMutation(
    trpc.auth.disableTwoFactor.mutationOptions({
      onSuccess: onDisabled,
      onError: (err) => setError(err.message),
    }),
  );
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    disable.mutate({ code: formText(event.currentTarget, 'disableCode') });
  };
  return (
    <form noValidate onSubmit={submit} className="space-y-3">
      <Field
        id="disable-code"
        name="disableCode"
        label="Code from the app (or a recovery code), to turn it off"
        {...oneTimeCodeInput}
      />
      <Problem text={error} />
      <Button type="submit" disabled={disable.isPending}>
        Turn off two-factor
      </Button>
    </form>
  );
}

/** Two-factor authentication: turn it on (QR code, then a code), see what is left, turn it off. */
export function TwoFactor() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.auth.twoFactor.queryOptions());
  const [enrolment, setEnrolment] = useState<TwoFactorEnrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.auth.twoFactor.queryKey() });
  const start = useMutation(
    trpc.auth.startTwoFactor.mutationOptions({
      onSuccess: setEnrolment,
      onError: (err) => setError(err.message),
    }),
  );
  if (codes) return <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />;
  if (enrolment) {
    return (
      <Enrol
        enrolment={enrolment}
        onEnabled={(recoveryCodes) => {
          setEnrolment(null);
          setCodes(recoveryCodes);
          void refresh();
          void queryClient.invalidateQueries({ queryKey: trpc.auth.sessions.queryKey() });
        }}
      />
    );
  }
  if (!status.data) return null;
  if (status.data.enabled) {
    return (
      <div className="space-y-3">
        <p className="text-sm">
          Two-factor authentication is on. Recovery codes left: {status.data.recoveryCodesLeft}.
        </p>
        <Disable onDisabled={() => void refresh()} />
      </div>
    );
  }
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    start.mutate({ password: formText(event.currentTarget, 'twoFactorPassword') });
  };
  return (
    <form noValidate onSubmit={submit} className="space-y-3">
      <p className="text-sm">
        Off. With it on, logging in also asks for a code from an authenticator app on your phone.
      </p>
      <Field
        id="two-factor-password"
        name="twoFactorPassword"
        label="Password, to set up two-factor"
        type="password"
        autoComplete="current-password"
      />
      <Problem text={error} />
      <Button type="submit" variant="primary" disabled={start.isPending}>
        Set up two-factor
      </Button>
    </form>
  );
}

/** Whether two-factor is on: forms that need a code then show a box for it. */
export function useTwoFactorOn(): boolean {
  const trpc = useTRPC();
  return useQuery(trpc.auth.twoFactor.queryOptions()).data?.enabled === true;
}
