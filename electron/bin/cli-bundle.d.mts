// Types of cli-bundle.mjs (plain JS: the launcher reads it before tsx is loaded).
export declare const bundleDir: string;
export declare const stampName: string;
export declare function freshBundle(root: string): string | null;
