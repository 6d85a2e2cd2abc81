// Compiles each contract here with solc 0.8.28, optimizer on (200 runs), and writes its
// runtime code as <Name>.bin-runtime. Run from this directory: `node build.js`.
const solc = require('solc');
const fs = require('fs');
for (const name of ['BigNum', 'Sha256', 'RayTracer']) {
  const file = `${name}.sol`;
  const input = {
    language: 'Solidity',
    sources: { [file]: { content: fs.readFileSync(file, 'utf8') } },
    settings: { optimizer: { enabled: true, runs: 200 },
                outputSelection: { '*': { '*': ['evm.deployedBytecode.object'] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  for (const e of out.errors || []) console.error(e.formattedMessage);
  if ((out.errors || []).some((e) => e.severity === 'error')) process.exit(1);
  fs.writeFileSync(`${name}.bin-runtime`, out.contracts[file][name].evm.deployedBytecode.object + '\n');
  console.log(`${name}: solc ${solc.version()}`);
}
