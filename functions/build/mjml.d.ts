// Minimal typings for mjml 5 (it ships none): only what functions/build/compile-templates.ts uses.
declare module 'mjml' {
  interface MjmlError {
    line: number;
    message: string;
    tagName: string;
    formattedMessage: string;
  }
  interface MjmlOptions {
    validationLevel?: 'strict' | 'soft' | 'skip';
    filePath?: string;
    keepComments?: boolean;
    minify?: boolean;
    ignoreIncludes?: boolean;
    includePath?: string | string[];
    fonts?: Record<string, string>;
  }
  export default function mjml2html(
    input: string,
    options?: MjmlOptions,
  ): Promise<{ html: string; errors: MjmlError[] }>;
}
