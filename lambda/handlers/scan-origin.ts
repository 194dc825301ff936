/**
 * The account and region a guardian runs in, found in its own environment: the region from
 * `AWS_REGION` (set by Lambda), the account from the invoked function's ARN (the Lambda context;
 * https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html), the account's name from
 * `ACCOUNT_NAME` when the deployment sets one. No API call: nothing to fail or to pay for.
 */
import { accountOfFunctionArn, type ScanOrigin } from '../core/scan/origin';

/** Environment variable with the account's human name (`prod-payments`), optional. */
export const ACCOUNT_NAME_ENV = 'ACCOUNT_NAME';

/** `{ origin }` for `ScanDeps`, or nothing when the account or the region is unknown. */
export function scanOrigin(env: Readonly<Record<string, string | undefined>>, functionArn: string | undefined): { origin?: ScanOrigin } {
  const id = accountOfFunctionArn(functionArn);
  const region = env.AWS_REGION;
  if (id === undefined || region === undefined || region === '') return {};
  const name = env[ACCOUNT_NAME_ENV];
  return { origin: { account: { id, ...(name === undefined || name === '' ? {} : { name }) }, region } };
}
