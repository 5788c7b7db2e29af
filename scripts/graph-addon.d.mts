export const ADDON_FILE: string;
export function graphAddonCurrent(bindingDir: string): boolean;
export function buildGraphAddon(options: {
  packageDir: string;
  bindingDir: string;
  nodedir: string;
  compiler: string;
}): { ok: boolean; out: string };
export function checkGraphAddon(bindingDir: string): { ok: boolean; detail: string };
