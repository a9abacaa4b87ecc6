import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';

/** Refresh this long before the session expires, so no call is signed with a dying key. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Temporary credentials of one account's role, assumed through STS with the account's external id
 * and refreshed before they expire. One fetch at a time however many calls are waiting. The keys
 * live only here and in the SDK's signer: nothing else gets a reference to them.
 */
export class AssumeRoleCredentials {
  private cached: AwsCredentialIdentity | undefined;
  private inflight: Promise<AwsCredentialIdentity> | undefined;

  constructor(
    private readonly sts: STSClient,
    private readonly role: { roleArn: string; externalId?: string; sessionName: string; durationSeconds: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** The SDK's credential provider for every client of the account. */
  readonly provider = (): Promise<AwsCredentialIdentity> => this.get();

  get(): Promise<AwsCredentialIdentity> {
    const c = this.cached;
    if (c?.expiration && c.expiration.getTime() - this.now() > REFRESH_MARGIN_MS) return Promise.resolve(c);
    this.inflight ??= this.assume().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async assume(): Promise<AwsCredentialIdentity> {
    const out = await this.sts.send(
      new AssumeRoleCommand({
        RoleArn: this.role.roleArn,
        RoleSessionName: this.role.sessionName,
        DurationSeconds: this.role.durationSeconds,
        ...(this.role.externalId !== undefined ? { ExternalId: this.role.externalId } : {}),
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`STS AssumeRole for ${this.role.roleArn} answered without credentials`);
    this.cached = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      expiration: c.Expiration ?? new Date(this.now() + this.role.durationSeconds * 1000),
    };
    return this.cached;
  }
}
