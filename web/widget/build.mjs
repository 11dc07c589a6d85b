// Bundle src/ (with socket.io-client) into one script plus its stylesheet for the web app to serve:
// ../../bot/web/static/dist/widget.js and widget.css (git-ignored build output).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const outdir = fileURLToPath(new URL("../../bot/web/static/dist/", import.meta.url));

await build({
  entryPoints: { widget: fileURLToPath(new URL("src/index.js", import.meta.url)) },
  bundle: true,
  format: "iife",
  target: ["es2020", "chrome90", "firefox90", "safari15"],
  minify: true,
  legalComments: "eof",
  outdir,
  logLevel: "warning",
});
console.log(`widget built into ${outdir}`);
