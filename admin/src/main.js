// The editor's entry point: Sveltia CMS from its ESM build, started by hand (the page names
// config.yml beside it, which `site-gen build` generates from the content model).
import CMS from '@sveltia/cms';

CMS.init();
