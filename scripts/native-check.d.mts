/** Whether the native TensorFlow backend loads here; detail is the versions, or the failure. */
export function checkNative(cwd: string): { ok: boolean; detail: string };
