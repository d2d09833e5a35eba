/**
 * The browser part of an OAuth sign-in, done without a browser: request the authorization URL and
 * read the code from the redirect the authorization server answers with. This works where the
 * server approves at once (test servers, clients approved beforehand); a server that shows a login
 * page gets the URL printed instead, for a person to open.
 */
export function headlessAuthorize(redirectUrl: string, log: (line: string) => void) {
  return async (url: URL, state: string): Promise<string | undefined> => {
    const response = await fetch(url, { redirect: 'manual' });
    await response.body?.cancel();
    const location = response.headers.get('location');
    if (!location) {
      log(`Sign in at ${url.href} (the authorization server answered ${response.status}, not a redirect).`);
      return undefined;
    }
    const target = new URL(location, url);
    if (!target.href.startsWith(redirectUrl)) {
      log(
        `Sign in at ${url.href} (the authorization server redirected to ${target.origin}${target.pathname}).`,
      );
      return undefined;
    }
    const error = target.searchParams.get('error');
    if (error)
      throw new Error(
        `The authorization server refused: ${error} ${target.searchParams.get('error_description') ?? ''}`.trim(),
      );
    if (state && target.searchParams.get('state') !== state)
      throw new Error('The authorization server returned another state: refusing the code.');
    return target.searchParams.get('code') ?? undefined;
  };
}
