/** Scheduled scan handler: placeholder until runScan lands (issue 4); the CDK app bundles this entry. */
export const handler = async (): Promise<void> => {
  throw new Error('scan handler not wired yet');
};
