/** The tag the builder sets on itself when provisioning ends: `ready`, or `failed`. */
export const BAKE_STATUS_TAG = 'gennaker:bake-status';
export const BAKE_ID_TAG = 'gennaker:bake-id';
export const BAKE_HASH_TAG = 'gennaker:inputs-hash';

/** Debian and RPM package names and versions: nothing a shell would interpret. */
export const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9+._-]{0,127}$/;
export const PACKAGE_VERSION = /^[A-Za-z0-9][A-Za-z0-9+.~:_-]{0,127}$/;

/** `<package>-<version>-<yyyyMMddHHmmss>`, as AMI names allow (3-128 chars of [A-Za-z0-9()[] ./'@_-]). */
export function bakeImageName(pkg: string, version: string | undefined, now: number): string {
  const ts = new Date(now).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const base = `${pkg}-${version ?? 'latest'}`.replace(/[^A-Za-z0-9()[\] ./'@_-]/g, '_');
  return `${base.slice(0, 128 - ts.length - 1)}-${ts}`;
}

/**
 * The builder's user data: install the package (apt or yum/dnf, whichever the base image has),
 * run the optional provisioning script, then tag this instance `gennaker:bake-status=ready` through
 * the instance role (ec2:CreateTags on itself), or `failed` when any step fails. The provider polls
 * that tag; `GENNAKER_BAKE_READY` on the console is for a human reading the console output.
 * Package and version were validated against PACKAGE_NAME / PACKAGE_VERSION, so they are safe
 * to interpolate; the provisioning script is the user's own shell and runs as written.
 */
export function bakeUserData(opts: { package: string; version?: string; region: string; provisioningScript?: string }): string {
  const pkg = opts.package;
  const v = opts.version;
  const apt = v ? `${pkg}=${v}` : pkg;
  const yum = v ? `${pkg}-${v}` : pkg;
  return [
    '#!/bin/bash',
    '# Gennaker bake builder: installs a package, then reports through its own instance tags.',
    'set -euo pipefail',
    `REGION=${opts.region}`,
    'IMDS=http://169.254.169.254/latest',
    'TOKEN=$(curl -sf -X PUT "$IMDS/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 600")',
    'IID=$(curl -sf -H "X-aws-ec2-metadata-token: $TOKEN" "$IMDS/meta-data/instance-id")',
    `report() { aws ec2 create-tags --region "$REGION" --resources "$IID" --tags "Key=${BAKE_STATUS_TAG},Value=$1" || true; }`,
    "trap 'echo GENNAKER_BAKE_FAILED > /dev/console || true; report failed' ERR",
    'if command -v apt-get >/dev/null; then',
    '  export DEBIAN_FRONTEND=noninteractive',
    '  apt-get update -y',
    `  apt-get install -y ${apt}`,
    'elif command -v dnf >/dev/null; then',
    `  dnf install -y ${yum}`,
    'else',
    `  yum install -y ${yum}`,
    'fi',
    ...(opts.provisioningScript ? ['# provisioning script from the bake stage', opts.provisioningScript] : []),
    // Leave no per-instance state in the image.
    'cloud-init clean --logs >/dev/null 2>&1 || true',
    'sync',
    'echo GENNAKER_BAKE_READY > /dev/console || true',
    'report ready',
    '',
  ].join('\n');
}
