Console.WriteLine(LeNet5.Model.Probe.Hello()); return 0;
