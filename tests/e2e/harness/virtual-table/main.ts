/** Mounts the real VirtualTable on synthetic rows (count from ?rows=N) for the e2e in virtual-table.spec.ts. */
import { mount } from 'svelte';
import Harness from './Harness.svelte';
import '../../../../renderer/app.css';

const rows = Number(new URLSearchParams(location.search).get('rows') ?? '2000000');
mount(Harness, { target: document.getElementById('app')!, props: { rows } });
