import { DefaultRateLimiter } from '@smithy/core/retry';
import { TokenBucket } from './token-bucket.util';

/** The shape the SDK's AdaptiveRetryStrategy asks of a rate limiter. */
export interface SdkRateLimiter {
  getSendToken(): Promise<void>;
  updateClientSendingRate(response: unknown): void;
}

/**
 * One per account and region, shared by its EC2, Auto Scaling, ELBv2 and CloudWatch clients: every
 * attempt (first tries and retries) takes a token from our steady bucket, then from the SDK's
 * adaptive (CUBIC) limiter, which only engages after AWS throttles us and then slows the whole
 * account-region down instead of each client on its own.
 */
export class AwsRateLimiter implements SdkRateLimiter {
  private readonly adaptive = new DefaultRateLimiter();
  private throttles = 0;

  constructor(readonly bucket: TokenBucket) {}

  async getSendToken(): Promise<void> {
    await this.bucket.take();
    await this.adaptive.getSendToken();
  }

  updateClientSendingRate(response: unknown): void {
    const info = response as { errorType?: string } | undefined;
    if (info?.errorType === 'THROTTLING') this.throttles++;
    this.adaptive.updateClientSendingRate(response);
  }

  stats(): { throttled: number; waited: number; waitedMs: number } {
    const { waited, waitedMs } = this.bucket.stats();
    return { throttled: this.throttles, waited, waitedMs };
  }
}
