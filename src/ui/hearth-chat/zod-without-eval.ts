import { z } from 'zod';

// zod compiles object parsers with `new Function`, probing for it as each object schema is built; on a
// page with a strict CSP or Trusted Types the probe is refused, and reported as a violation of the
// host's policy. This module is imported before any other of the component's, so no schema is built
// before the switch.
z.config({ jitless: true });
