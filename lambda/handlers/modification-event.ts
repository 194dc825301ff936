/** EventBridge `EBS Volume Notification` (modifyVolume) handler: placeholder until runScan lands (issue 4). */
export const handler = async (): Promise<void> => {
  throw new Error('modification-event handler not wired yet');
};
