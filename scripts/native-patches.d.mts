/** The patches setup:native applies to tfjs-node's binding source, by name. */
export const PATCHES: string[];
/** The marker file written beside a built binding. */
export const MARKER: string;
/** Patches binding/tfjs_backend.cc under packageDir: 'patched' or 'already patched'; throws if the lines moved. */
export function patchBindingSource(packageDir: string): 'patched' | 'already patched';
/** Records the patches beside the built binding. */
export function writeMarker(bindingDir: string): void;
/** Whether the binding in bindingDir was built with every patch. */
export function hasAllPatches(bindingDir: string): boolean;
